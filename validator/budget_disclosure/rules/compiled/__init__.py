"""The compiled engine: a screen per rule, compiled once per spec, in front of the interpreter's kinds."""
