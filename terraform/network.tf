# One SDN zone, and per environment one vnet with its subnet: prod and dev apart, the sandbox on
# its own. A Simple zone makes isolated bridges on the node; SNAT lets the VMs out (to the
# controller, to Debian's mirrors) and nothing in, and dnsmasq serves each subnet's DHCP range.

resource "proxmox_virtual_environment_sdn_zone_simple" "fleet" {
  id    = var.sdn_zone
  nodes = [var.node_name]
  ipam  = "pve"
  dhcp  = "dnsmasq"

  depends_on = [proxmox_virtual_environment_sdn_applier.finalizer]
}

resource "proxmox_virtual_environment_sdn_vnet" "env" {
  for_each = var.environments

  id    = each.value.vnet
  zone  = proxmox_virtual_environment_sdn_zone_simple.fleet.id
  alias = "homefleet ${each.key}"

  depends_on = [proxmox_virtual_environment_sdn_applier.finalizer]
}

resource "proxmox_virtual_environment_sdn_subnet" "env" {
  for_each = var.environments

  cidr    = each.value.cidr
  vnet    = proxmox_virtual_environment_sdn_vnet.env[each.key].id
  gateway = each.value.gateway
  snat    = true

  dhcp_range = {
    start_address = each.value.dhcp_start
    end_address   = each.value.dhcp_end
  }

  depends_on = [proxmox_virtual_environment_sdn_applier.finalizer]
}

# SDN changes are pending until applied: this applies zone, vnets and subnets once they exist.
resource "proxmox_virtual_environment_sdn_applier" "fleet" {
  depends_on = [
    proxmox_virtual_environment_sdn_zone_simple.fleet,
    proxmox_virtual_environment_sdn_vnet.env,
    proxmox_virtual_environment_sdn_subnet.env,
  ]
}

# Applies again after a destroy removed them (the provider's documented pattern).
resource "proxmox_virtual_environment_sdn_applier" "finalizer" {}
