"""The interface layer beside the JSON API (fotomalovanky/api/)."""
