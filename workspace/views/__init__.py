"""The officer and partner workspaces: pages for the tasks of each, every write through the services."""
