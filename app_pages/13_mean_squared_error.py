from components.chapter import render_chapter

render_chapter("mean_squared_error")
