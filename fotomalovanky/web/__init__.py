"""The staff interface: pages, htmx actions, cards, the live push, WebSockets, stored files.

The domain apps (`orders`, `processing`, `shopify_sync`) never import this package; they
announce changes with signals, which `live` turns into fragments and JSON events.
"""
