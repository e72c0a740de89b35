# -*- coding: utf-8 -*-
# Copyright: portsip.pbx contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Runs portsip.pbx.login and hides its result from the console, which would show the access token."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible.plugins.action import ActionBase


class ActionModule(ActionBase):

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        result.update(self._execute_module(task_vars=task_vars))
        # As no_log on the task would: callbacks (the console at any verbosity, AWX's job events) get a censored
        # copy, while register still receives the token. A failure holds no token and stays readable.
        if result.get("access_token"):
            result["_ansible_no_log"] = True
        return result
