output "vms" {
  description = "Per VM: role, environment, cores and memory (MiB) as created, and its VM id."
  value = { for name, vm in proxmox_virtual_environment_vm.fleet : name => {
    role        = local.hosts[name]
    environment = var.sizing[local.hosts[name]].environment
    cores       = vm.cpu[0].cores
    memory_mib  = vm.memory[0].dedicated
    vm_id       = vm.vm_id
  } }
}

output "sizing" {
  description = "What a VM of each role created now would get, and the budget it comes from."
  value = {
    node_cpus         = local.node_cpus
    vcpu_budget       = local.vcpu_budget
    node_memory_mib   = local.node_memory_mib
    used_memory_mib   = local.used_memory_mib
    memory_budget_mib = local.memory_budget_mib
    cores             = local.cores
    memory_mib        = local.memory_mib
  }
}
