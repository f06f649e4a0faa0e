# How big each VM is, from what the chosen node has: its capacity and its current use.
#
# TerraformSizingIT evaluates these very expressions (hcl2json's parse tree of this file) for a
# small, a large and a busy node, so keep every expression here to the subset its evaluator
# knows: numbers, strings and bools; + - * / %, comparisons, && || !, ? :; var., local., data.
# and for-variable references with .name and [index]; string templates; list and map for
# expressions (no object constructors { a = ... } inside an expression); and the functions min,
# max, floor, ceil, index, lookup, contains, keys, length, sum, concat, range and merge.

data "proxmox_virtual_environment_nodes" "all" {}

# The VMs on the node now: where the templates are, and which of the fleet's VMs exist already.
data "proxmox_virtual_environment_vms" "on_node" {
  node_name = var.node_name
}

locals {
  mib = 1048576

  # The fleet's VMs, name => role: prod-1, dev-1, ..., workstation-1 once counts asks for one.
  hosts = merge([for role, n in var.counts : { for i in range(n) : "${role}-${i + 1}" => role }]...)

  # The data source's lists run in parallel, one entry per node. An unknown node_name is refused
  # by the preflight checks in checks.tf, with the names of the nodes there are.
  node_known  = contains(data.proxmox_virtual_environment_nodes.all.names, var.node_name)
  node_index  = local.node_known ? index(data.proxmox_virtual_environment_nodes.all.names, var.node_name) : 0
  node_online = local.node_known && data.proxmox_virtual_environment_nodes.all.online[local.node_index]
  node_cpus   = data.proxmox_virtual_environment_nodes.all.cpu_count[local.node_index]
  node_busy   = data.proxmox_virtual_environment_nodes.all.cpu_utilization[local.node_index]
  # memory_available is the node's total memory (the API's maxmem), memory_used what is in use now.
  node_memory_mib = floor(data.proxmox_virtual_environment_nodes.all.memory_available[local.node_index] / local.mib)
  used_memory_mib = ceil(data.proxmox_virtual_environment_nodes.all.memory_used[local.node_index] / local.mib)

  # Only VMs this plan creates are sized and counted against the node: the ones that exist
  # already are in its current use, and keep the size they were made with (vms.tf).
  existing  = [for vm in data.proxmox_virtual_environment_vms.on_node.vms : vm.name]
  new_hosts = { for name, role in local.hosts : name => role if !contains(local.existing, name) }

  # What the new VMs may take: the memory free now, less what is kept free for the host; and the
  # node's idle CPUs, overcommitted by cpu_overcommit (vCPUs of idle VMs cost little).
  host_reserve_mib  = max(var.host_reserve.min_memory_mib, ceil(local.node_memory_mib * var.host_reserve.memory_percent / 100))
  memory_budget_mib = max(0, local.node_memory_mib - local.used_memory_mib - local.host_reserve_mib)
  vcpu_budget       = max(1, floor(local.node_cpus * (1 - local.node_busy) * var.cpu_overcommit))

  # A role's percent is of the whole budget; when the new VMs ask for more than 100 % together
  # (many workstations), every share shrinks in proportion. (A role without sizing counts 0
  # here; checks.tf refuses it with its name.)
  percent_total = max(100, sum(concat([0], [for name, role in local.new_hosts : contains(keys(var.sizing), role) ? var.sizing[role].percent : 0])))

  # Per role, one VM's size: its share, rounded down (memory to 256 MiB), within its floor and
  # ceiling, and never more cores than the node has.
  cores = { for role, s in var.sizing : role => min(local.node_cpus, s.max_cores,
  max(s.min_cores, floor(local.vcpu_budget * s.percent / local.percent_total))) }
  memory_mib = { for role, s in var.sizing : role => min(s.max_memory_mib,
  max(s.min_memory_mib, floor(local.memory_budget_mib * s.percent / local.percent_total / 256) * 256)) }

  # The floors can ask for more than a small or busy node has free: then nothing is created.
  memory_needed_mib = sum(concat([0], [for name, role in local.new_hosts : lookup(local.memory_mib, role, 0)]))
  memory_fits       = local.memory_needed_mib <= local.memory_budget_mib
  memory_error      = "node ${var.node_name} has ${local.memory_budget_mib} MiB free for new VMs (${local.node_memory_mib} MiB, ${local.used_memory_mib} in use, ${local.host_reserve_mib} kept for the host) but ${length(local.new_hosts)} new VMs need ${local.memory_needed_mib} MiB at their floors: lower counts, the floors in sizing, or free memory on the node."
}
