# One image for web (daphne, the default command), worker and beat:
#   docker run IMAGE                                   -> web + WebSockets on :8000
#   docker run IMAGE celery -A fotomalovanky worker -Q io,cpu
#   docker run IMAGE celery -A fotomalovanky beat -s /data/celerybeat-schedule
# Files go to /data/images (STORAGE_PATH), which web and workers must then share, or to a
# bucket with STORAGE_BACKEND=s3 and the S3_* variables (docker-compose.s3.yml); /data
# also keeps beat's schedule. Every setting comes from the environment (.env.example).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DATA_DIR=/data \
    STORAGE_PATH=/data/images \
    STATIC_ROOT=/app/staticfiles

WORKDIR /app

COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .

# collectstatic needs settings that load: a throwaway key, used for this step only.
RUN SECRET_KEY=collectstatic-only ALLOWED_HOSTS=localhost READ_DOTENV=false \
    python manage.py collectstatic --noinput --verbosity 0

RUN useradd --create-home --uid 1000 app \
    && mkdir -p /data/images \
    && chown -R app:app /data
USER app
VOLUME ["/data"]
EXPOSE 8000

CMD ["daphne", "-b", "0.0.0.0", "-p", "8000", "fotomalovanky.asgi:application"]
