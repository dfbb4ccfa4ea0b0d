"""Shared infrastructure every app may import; it imports none of them: the client's address behind
trusted proxies, request guards (NUL characters, caching of members' pages) and deployment checks."""
