"""Getting at data in a trajectory, and storing and loading it piece by piece.

Shows attribute access along the tree, ``traj['a.b']`` and ``f_get``, shortcuts that skip
groups, the ``NotUniqueNodeError`` raised when a shortcut is ambiguous, fast access
switched on and off, the ``func`` / ``vars`` / ``kids`` views, ``f_to_dict`` and
``f_iter_leaves``. The second half stores the trajectory in an HDF5 file: ``f_store``,
``f_store_item`` for a leaf added later, ``f_empty`` to free a result's memory and
``f_load_item`` to get it back, and finally a fresh trajectory that loads only the tree's
skeleton and fills in data on first access (``v_auto_load``).
"""

import os
import tempfile

from pypet import NotUniqueNodeError, Parameter, Trajectory

# Passing a filename gives the trajectory an HDF5 storage service (used in the 2nd half).
filename = os.path.join(tempfile.mkdtemp(prefix='pypet_example_02_'), 'example_02.hdf5')
traj = Trajectory('access_demo', comment='a small tree to walk through', filename=filename)
traj.f_add_parameter('traffic.ncars', 42, comment='cars on the road')
traj.f_add_parameter('traffic.speed', 50.0, comment='km/h')
traj.f_add_parameter('town.nhouses', 300, comment='houses in town')
traj.f_add_parameter('town.speed', 30.0, comment='km/h inside town')
traj.f_add_result('census.people', 1200, households=480, comment='who lives here')
traj.f_add_result('census.mean_age', 41.5)

# Natural naming: walk the tree with attributes; 'par' abbreviates 'parameters'.
print('traj.parameters.traffic.ncars =', traj.parameters.traffic.ncars)
print('traj.par.town.nhouses         =', traj.par.town.nhouses)
# Square brackets take a dotted path, f_get too.
print("traj['traffic.ncars']         =", traj['traffic.ncars'])
print("traj.f_get('town.nhouses')    =", traj.f_get('town.nhouses'))

# Shortcuts: groups in between may be left out as long as the name is unique.
print('traj.nhouses                  =', traj.nhouses)
try:
    print(traj.speed)  # traffic.speed and town.speed are at the same depth
except NotUniqueNodeError as exc:
    print(f'traj.speed -> {type(exc).__name__}: {exc}')
print('traj.town.speed               =', traj.town.speed)
assert issubclass(NotUniqueNodeError, AttributeError)

# Fast access: a parameter stands for its value; switch it off to get the objects.
traj.v_fast_access = False
param = traj.nhouses
assert isinstance(param, Parameter)
print('without fast access:', param)
traj.v_fast_access = True
# A result gives its value by fast access only if it holds one item named like itself.
print('traj.mean_age =', traj.mean_age, '(one item, named like the result)')
census = traj.people  # two items: you get the Result object
print('census result:', census, '| households:', census.households)

# The API without prefixes: func = f_ methods, vars = v_ properties, kids = children only.
print('traj.func.get("traffic.ncars", fast_access=True) =',
      traj.func.get('traffic.ncars', fast_access=True))
print('traj.vars.name =', traj.vars.name, '| traj.vars.comment =', traj.vars.comment)
print('children of parameters:', sorted(dir(traj.parameters.kids)))
print('traj.parameters.kids.town.kids.nhouses =', traj.parameters.kids.town.kids.nhouses)

# Flat dicts of all leaves, or a nested one below a group.
print('parameters as a flat dict:', traj.parameters.f_to_dict(fast_access=True))
print('town, nested:', traj.parameters.f_to_dict(nested=True, fast_access=True)['town'])
print('all parameters and results (config holds the storage settings):')
for leaf in [*traj.parameters.f_iter_leaves(), *traj.results.f_iter_leaves()]:
    print(f'    {leaf.v_full_name:28s} {leaf.f_val_to_str():30s} # {leaf.v_comment}')

# --- storage ---------------------------------------------------------------------------------
traj.f_store()  # everything: config, parameters, results
print(f'\nstored in {filename}')

# Emptying a result frees its data; the node itself stays in the tree.
census.f_empty()
print('after f_empty:', census, '| empty:', census.f_is_empty())
assert census.f_is_empty() and traj.f_contains('results.census.people')
traj.f_load_item(census)  # ... and the data comes back from the file
print('after f_load_item:', sorted(census.f_to_dict().items()))
assert census.households == 480

# Items added after the first f_store can be stored one by one.
traj.f_add_result('census.children', 310, comment='younger than 18')
traj.f_store_item('children')
print('stored later: results.census.children')

# A fresh trajectory: parameters as empty skeletons, results not at all (1 and 0 are
# LOAD_SKELETON and LOAD_NOTHING). With v_auto_load, natural naming loads on demand.
again = Trajectory(filename=filename)
again.f_load(name='access_demo', load_parameters=1, load_results=0)
print('loaded skeleton: ncars is empty:', again.f_get('ncars').f_is_empty(),
      '| results loaded:', again.f_contains('results.census'))
again.v_auto_load = True
print('auto-loaded: again.ncars =', again.ncars)
print('auto-loaded: again.results.census.children =', again.results.census.children)
print('auto-loaded: households =', again.results.census.people.households)
assert again.f_get('traffic.ncars').f_get() == 42
