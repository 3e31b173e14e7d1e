"""External library → internal: turn a library's assets into uploads of its owner, keeping
albums, favourites, dates, places, descriptions, ratings, tags, named faces and live photos.
"""
