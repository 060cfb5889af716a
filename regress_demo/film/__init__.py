"""What a frame shows: the figures and their panels, layouts, texts and fonts, stills and sheets."""
