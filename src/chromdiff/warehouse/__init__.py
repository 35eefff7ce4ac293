"""The DuckDB warehouse: connections, schema, migrations, loading, history and exports."""
