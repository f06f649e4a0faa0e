#!/usr/bin/env python3
"""Regenerates ../resources/template/ansible-oracle.tsv from expressions.txt with ansible-playbook.

Each expression is evaluated by Ansible as debug: msg="{{ (EXPR) | to_json }}" on localhost with
the vars below (AnsibleOracleTest.vars() has the same). Rows Ansible rejects are left out, and so
are rows whose value depends on this machine (lookup('env', ORACLE_ENV)) or on passlib
(password_hash: Ansible with passlib uses 656000 rounds; we use crypt's 5000, see TemplarTest).
"""
import json, os, subprocess, sys, tempfile, yaml

HERE = os.path.dirname(os.path.abspath(__file__))
VARS = {'d': {'a': 1}, 'l': [3, 1, 2], 's': 'Hello World', 'n': None,
        'r': {'changed': True, 'rc': 0}, 'rf': {'failed': True, 'changed': False, 'rc': 1},
        'rs': {'skipped': True, 'changed': False}}

exprs = [l.rstrip('\n') for l in open(os.path.join(HERE, 'expressions.txt')) if l.strip()]
tasks = [{'name': 'e%d' % i, 'debug': {'msg': '{{ (%s) | to_json }}' % e}, 'ignore_errors': True}
         for i, e in enumerate(exprs)]
play = [{'hosts': 'localhost', 'gather_facts': False, 'connection': 'local', 'vars': VARS, 'tasks': tasks}]
with tempfile.NamedTemporaryFile('w', suffix='.yml', delete=False) as f:
    yaml.safe_dump(play, f, sort_keys=False, width=1000)
env = dict(os.environ, ANSIBLE_STDOUT_CALLBACK='json', ANSIBLE_LOCALHOST_WARNING='false',
           ANSIBLE_INVENTORY_UNPARSED_WARNING='false', ORACLE_ENV='from-env')
out = json.loads(subprocess.run(['ansible-playbook', f.name], env=env, capture_output=True, text=True).stdout)
version = subprocess.run(['ansible', '--version'], capture_output=True, text=True).stdout.split('\n')[0]
target = os.path.join(HERE, '..', 'resources', 'template', 'ansible-oracle.tsv')
with open(target, 'w') as t:
    t.write('# expression<TAB>its value as JSON, as %s computed it:\n' % version)
    t.write('#   debug: msg="{{ (EXPRESSION) | to_json }}" with the vars in AnsibleOracleTest.\n')
    t.write('# Regenerate: see AnsibleOracleTest\'s Javadoc. Rows Ansible rejected are left out.\n')
    for e, task in zip(exprs, out['plays'][0]['tasks']):
        res = task['hosts']['localhost']
        if res.get('failed') or 'ORACLE_ENV' in e or 'password_hash' in e:
            continue
        t.write(e + '\t' + res['msg'] + '\n')
