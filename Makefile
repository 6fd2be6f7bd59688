.PHONY: chaos

# The long fault-injection runs (marker `chaos`, left out of the default run): each
# scenario prints one `CHAOS {json}` line with its figures. Takes a while.
chaos:
	python3 -m pytest -m chaos -p no:cacheprovider -s
