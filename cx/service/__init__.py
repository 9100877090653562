"""The service: one ASGI process serving the Streamlit pages (st.App), the REST API at /api, sign-in routes,
health checks, and the scheduled jobs started by its lifespan. It is the only writer of the store."""
