from components.chapter import render_chapter

render_chapter("dot_product")
