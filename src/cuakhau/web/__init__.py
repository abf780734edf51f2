"""Server-rendered pages; they call the same services as the API."""
