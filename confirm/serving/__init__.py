"""当场送达: recording service on each party (in person or electronically), voiding a mistaken record
(``service``), the sealed receipt and vouchers as document kinds of the pipeline (``documents``), the request
bodies (``schemas``) and the routes (``views``)."""
