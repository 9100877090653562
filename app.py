"""CX Lens entry point: each role's home (ui/homes.py) — 「我的门店」 for a store manager, the region for a
region manager, what the store holds and where to go for HQ."""
from ui import homes, shell

ctx = shell.page("首页", filters=False)
homes.home(ctx)
