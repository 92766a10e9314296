"""Page routers, one module per area; composed (secure by default) in tally.web.router."""
