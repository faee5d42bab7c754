"""The HTTP service: the summarizers library behind a Flask + gunicorn API (docs/service.md).

Entry point: :func:`summarizers_service.app.create_app`; gunicorn runs ``summarizers_service.app:create_app()`` with
``service/gunicorn.conf.py``.
"""
