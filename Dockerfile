# The summarization service: gunicorn + Flask, CPU torch, the default abstractive model baked in,
# converted at build time for CTranslate2 (int8), which the `auto` backend then uses on CPU.
#
#   docker build -t summarize .                                # with distilbart-cnn-12-6 (~1.2 GB + ~0.3 GB int8)
#   docker build -t summarize --build-arg DOWNLOAD_MODEL=0 .   # extractive only; abstractive unavailable
#   docker run --rm -p 8000:8000 summarize
#
# Runtime settings are SUMMARIZE_* environment variables (docs/service.md).
FROM python:3.11-slim

ARG TORCH_VERSION=2.13.0
ARG TORCH_INDEX=https://download.pytorch.org/whl/cpu
# 1: fetch MODEL at build time with `summarize models download` (which also converts it for
# CTranslate2 with CT2_QUANTIZATION weights); 0: skip it.
ARG DOWNLOAD_MODEL=1
ARG MODEL=distilbart-cnn-12-6
ARG CT2_QUANTIZATION=int8

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HF_HOME=/opt/hf-cache

RUN useradd --system --create-home --uid 10001 app
WORKDIR /app

# CPU-only torch first (from its own index), then the package with the service, abstractive and
# ctranslate2 extras.
RUN pip install --index-url "${TORCH_INDEX}" "torch==${TORCH_VERSION}"
COPY pyproject.toml README.md constraints.txt ./
COPY summarizers ./summarizers
COPY service ./service
COPY eval ./eval
RUN pip install --constraint constraints.txt ".[abstractive,ctranslate2,service]"

RUN if [ "${DOWNLOAD_MODEL}" = "1" ]; then \
        summarize models download "${MODEL}" --quantization "${CT2_QUANTIZATION}" \
        && summarize models list && chmod -R a+rX "${HF_HOME}"; \
    fi

# Nothing is downloaded at run time.
ENV HF_HUB_OFFLINE=1 \
    SUMMARIZE_BACKEND=auto \
    SUMMARIZE_CT2_QUANTIZATION=${CT2_QUANTIZATION} \
    HOST=0.0.0.0 \
    PORT=8000
# The jobs API's SQLite file, where user app may write (mount a volume on /home/app/jobs to keep
# jobs across containers, or set SUMMARIZE_JOBS_REDIS_URL).
ENV SUMMARIZE_JOBS_DB=/home/app/jobs/summarize-jobs.db
USER app
EXPOSE 8000

# Healthy once this worker can serve (models loaded, or known unavailable); loading takes a while.
HEALTHCHECK --interval=30s --timeout=5s --start-period=180s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/readyz' % os.environ.get('PORT', '8000'), timeout=4)"

ENTRYPOINT ["gunicorn", "--config", "service/gunicorn.conf.py", "summarizers_service.app:create_app()"]
