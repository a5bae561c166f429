from components.chapter import render_chapter

render_chapter("vector_norm")
