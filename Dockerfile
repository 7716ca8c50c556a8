# zwgk with the Celery engine and the PostgreSQL driver, for docker-compose.yml (workers, coordinator).
FROM python:3.11-slim
WORKDIR /zwgk
COPY . /zwgk
RUN pip install --no-cache-dir -e '.[distributed,postgres]'
WORKDIR /srv/zwgk
ENTRYPOINT ["zwgk"]
