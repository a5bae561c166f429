from components.chapter import render_chapter

render_chapter("matrix_multiplication")
