"""Text into claims: sentence splitting with citation markers, and sources named in words
(unlinked attributions). Pure.
"""
