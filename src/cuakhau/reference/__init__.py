"""Reference data of a zone (gates, yards, enterprises, …) loaded from a data file."""
