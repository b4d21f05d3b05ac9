"""More ways to add data: methods, assigning instances, lazy adding and links.

Besides ``f_add_parameter`` / ``f_add_result`` you can assign leaf instances to
attributes of a group. The leaf's name decides where it goes:

* the same name as the attribute -> added right there;
* an empty name -> renamed to the attribute's name;
* a dotted name starting with the attribute's name -> the groups in between are created;
* any other name -> AttributeError (as in pypet 0.7).

With ``v_lazy_adding`` plain values (or ``value, comment`` tuples) become leaves, and
assigning a node that is already in the tree creates a link to it.
"""

from pypet import Parameter, Result, Trajectory

traj = Trajectory('adding_demo')

traj.f_add_parameter('x', 1.5, comment='added with f_add_parameter')
traj.parameters.y = Parameter('y', 2, comment='name equals the attribute')
traj.parameters.w = Parameter('', 'hello', comment='empty name, renamed to w')
traj.parameters.physics = Parameter('physics.mass', 0.5, comment='physics becomes a group')
traj.parameters.physics = Parameter('physics.springs.stiffness', 3.0, comment='groups made on the way')
try:
    traj.parameters.z = Parameter('not_z', 0)
except AttributeError as error:
    print('refused:', error)
traj.results.summary = Result('', comment='an empty result, renamed to summary')
traj.summary.f_set(mean=1.0, count=3)

for leaf in traj.f_iter_leaves():
    print(f'{leaf.v_full_name:38s} {leaf.f_val_to_str():20s} # {leaf.v_comment}')
assert traj.f_get('w').v_full_name == 'parameters.w'
assert traj.f_get('mass').v_full_name == 'parameters.physics.mass'
assert traj.f_get('stiffness').v_full_name == 'parameters.physics.springs.stiffness'

# Lazy adding: assigning a value adds a leaf of the branch's standard class.
traj.v_lazy_adding = True
traj.parameters.u = 1, 'a tuple (value, comment) sets the comment as well'
traj.parameters.v = 'just a value'
traj.results.answer = 42
traj.v_lazy_adding = False
for name in ('u', 'v', 'answer'):
    print('lazily added:', traj.f_get(name))
assert traj.answer == 42 and traj.f_get('u').v_comment.startswith('a tuple')

# Assigning a node that is already in the tree makes a link, not a copy.
traj.mylink = traj.f_get('x')
traj.results.physics_link = traj.f_get('physics')
print('traj.mylink =', traj.mylink, '| same object:', traj.f_get('mylink') is traj.f_get('x'))
print('traj.results.physics_link.mass =', traj.results.physics_link.mass)
print('links at the root:', sorted(traj.f_get_links()))
assert traj.f_get('mylink') is traj.f_get('parameters.x')
