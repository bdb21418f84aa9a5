"""Blueprints, one per area. Views are thin: they parse input, call a service, render."""


def register_blueprints(app) -> None:
    from jobmatch.views import auth, filters, health, staff

    filters.register(app)

    app.register_blueprint(auth.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(staff.bp)
