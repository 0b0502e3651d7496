"""The api's routers, one module per area; ``api.app.create_app`` includes them."""
