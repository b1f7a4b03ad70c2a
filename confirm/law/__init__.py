"""The law and the court's conventions as plain functions with no I/O.

Every rule here cites the article it implements; the web layer and the database call these, never the reverse.
"""
