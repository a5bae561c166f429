from components.chapter import render_chapter

render_chapter("gradient_descent")
