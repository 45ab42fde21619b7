from elp import create_app

app = create_app()
