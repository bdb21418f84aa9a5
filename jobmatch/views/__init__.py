"""Blueprints, one per area. Views are thin: they parse input, call a service, render."""


def register_blueprints(app) -> None:
    from jobmatch.views import (
        api,
        auth,
        county,
        employer,
        errors,
        filters,
        health,
        navigation,
        photos,
        rounds,
        short_links,
        sms,
        staff,
        wechat,
        worker,
    )

    filters.register(app)
    navigation.register(app)
    errors.init_app(app)

    app.register_blueprint(auth.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(staff.bp)
    app.register_blueprint(worker.bp)
    app.register_blueprint(employer.bp)
    app.register_blueprint(county.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(rounds.bp)
    app.register_blueprint(sms.bp)
    app.register_blueprint(short_links.bp)
    app.register_blueprint(photos.bp)
    app.register_blueprint(wechat.bp)
