# The fleet's VMs: each cloned from its role's Packer template, sized by sizing.tf, on its
# environment's vnet, with cloud-init user data that writes the agent's enrollment file.

locals {
  # Per role, the ids of the VMs on the node named like its template (checks.tf wants exactly one).
  template_ids = { for role, name in var.templates : role => [for vm in data.proxmox_virtual_environment_vms.on_node.vms : vm.vm_id if vm.name == name] }

  # The roles whose templates have a desktop (packer/ makes them with one).
  desktop_roles = ["sandbox", "workstation"]

  # TerraformSizingIT evaluates enroll_yaml and user_data too: object constructors whose bare
  # keys have distinct values, yamlencode (its YAML read back, not compared byte for byte).

  # /etc/homefleet/enroll.yaml as the agent reads it on first boot (docs/operations.md): it
  # enrolls with the token, then removes it from the file. yamlencode quotes every value, so no
  # label can break the YAML.
  enroll_yaml = { for name, role in local.hosts : name => yamlencode({
    controller     = var.controller
    token          = lookup(var.enroll_tokens, name, "")
    ca_fingerprint = var.ca_fingerprint
    role           = role
    labels         = merge(var.labels, { environment = var.sizing[role].environment })
  }) }

  user_data = { for name, role in local.hosts : name => join("\n", ["#cloud-config", yamlencode({
    hostname          = name
    preserve_hostname = false
    users = concat(["default"], length(var.ssh_authorized_keys) == 0 ? [] : [{
      name                = "homefleet"
      groups              = ["sudo"]
      shell               = "/bin/bash"
      sudo                = "ALL=(ALL) NOPASSWD:ALL"
      ssh_authorized_keys = var.ssh_authorized_keys
    }])
    write_files = [{
      path        = "/etc/homefleet/enroll.yaml"
      owner       = "root:root"
      permissions = "0600"
      content     = local.enroll_yaml[name]
    }]
  })]) }
}

# The user data as a snippet on the node (cloud-init reads it from the VM's cloud-init drive).
resource "proxmox_virtual_environment_file" "user_data" {
  for_each = local.hosts

  content_type = "snippets"
  datastore_id = var.snippets_datastore
  node_name    = var.node_name

  source_raw {
    data      = local.user_data[each.key]
    file_name = "homefleet-${each.key}.cloud-config.yaml"
  }

  lifecycle {
    # The token is used once, at the VM's first boot: a later plan with another token or none
    # must not rewrite the snippet of a VM that has enrolled.
    ignore_changes = [source_raw]
  }
}

resource "proxmox_virtual_environment_vm" "fleet" {
  for_each = local.hosts

  name        = each.key
  node_name   = var.node_name
  description = "homefleet ${each.value} VM (terraform/ of the homefleet repository)"
  # Proxmox keeps tags sorted and once each; the same here, or every plan would show a change.
  tags    = sort(distinct(["homefleet", each.value, var.sizing[each.value].environment]))
  on_boot = true
  started = true

  clone {
    vm_id        = one(local.template_ids[each.value])
    datastore_id = var.vm_datastore
    full         = true
  }

  # The templates have qemu-guest-agent (packer/), so Proxmox can show the VM's addresses.
  agent {
    enabled = true
  }

  cpu {
    cores = local.cores[each.value]
    type  = "x86-64-v2-AES"
  }

  memory {
    dedicated = local.memory_mib[each.value]
  }

  disk {
    datastore_id = var.vm_datastore
    interface    = "scsi0"
    size         = var.sizing[each.value].disk_gib
  }

  network_device {
    bridge = proxmox_virtual_environment_sdn_vnet.env[var.sizing[each.value].environment].id
    model  = "virtio"
  }

  vga {
    type = contains(local.desktop_roles, each.value) ? "qxl" : "std"
  }

  initialization {
    datastore_id = var.vm_datastore
    ip_config {
      ipv4 {
        address = "dhcp"
      }
    }
    user_data_file_id = proxmox_virtual_environment_file.user_data[each.key].id
  }

  lifecycle {
    # A VM keeps the size it was made with: once it runs, the node's current use includes it, so
    # sizing again on every plan would shrink it each time. New VMs are sized from what is free.
    ignore_changes = [cpu[0].cores, memory[0].dedicated, initialization[0].user_data_file_id]
  }

  depends_on = [terraform_data.preflight, proxmox_virtual_environment_sdn_applier.fleet]
}
