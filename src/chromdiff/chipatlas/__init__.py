"""Client for the ChIP-Atlas Diff Analysis (WABI) API: protocol, HTTP client, result archive."""
