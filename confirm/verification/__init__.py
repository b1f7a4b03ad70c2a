"""扫码验真: what anyone holding a ruling (or a service document) may learn of it, by QR token, check code or upload
(``service``); the public pages and JSON (``views``); and ``jiudi verify`` on a machine without the network
(``offline``)."""
