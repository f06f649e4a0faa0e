# The role templates, each a full clone of its base with the agent installed by the same script
# (scripts/provision.sh, which ends with bake-clean.sh): homefleet-prod, homefleet-dev,
# homefleet-services, homefleet-batch (headless Debian 12), homefleet-workstation (Debian 12 with
# Xfce) and homefleet-sandbox (Ubuntu 24.04 with its desktop). terraform/ clones them by name.
# One source holds what all share; each role's block sets its own base, user and memory (a field
# is set in one of the two places only: Packer refuses an override of a field the source sets).
#
#   packer build -var-file=lab.pkrvars.hcl -var agent_deb=PATH -only='roles.proxmox-clone.prod' packer/

source "proxmox-clone" "role" {
  proxmox_url              = var.proxmox_url
  username                 = var.proxmox_username
  token                    = var.proxmox_token
  insecure_skip_tls_verify = var.proxmox_insecure_skip_tls_verify
  node                     = var.proxmox_node
  task_timeout             = "10m"

  full_clone = true

  os              = "l26"
  cores           = 2
  cpu_type        = "host"
  qemu_agent      = true
  scsi_controller = "virtio-scsi-single"

  network_adapters {
    model  = "virtio"
    bridge = var.bridge
  }

  cloud_init              = true
  cloud_init_storage_pool = local.cloud_init_storage_pool

  # No password: the builder puts a key of its own into the clone through cloud-init, for the
  # user each role names below (the base's default user).
  ssh_timeout = "15m"
}

build {
  name = "roles"

  source "proxmox-clone.role" {
    name                 = "prod"
    vm_name              = "homefleet-prod-build"
    clone_vm             = "homefleet-debian12-base"
    ssh_username         = "debian"
    memory               = 2048
    template_name        = "homefleet-prod"
    template_description = "homefleet: prod (headless Debian 12, agent installed, waiting for its enroll file)"
  }

  source "proxmox-clone.role" {
    name                 = "dev"
    vm_name              = "homefleet-dev-build"
    clone_vm             = "homefleet-debian12-base"
    ssh_username         = "debian"
    memory               = 2048
    template_name        = "homefleet-dev"
    template_description = "homefleet: dev (headless Debian 12, agent installed, waiting for its enroll file)"
  }

  source "proxmox-clone.role" {
    name                 = "services"
    vm_name              = "homefleet-services-build"
    clone_vm             = "homefleet-debian12-base"
    ssh_username         = "debian"
    memory               = 2048
    template_name        = "homefleet-services"
    template_description = "homefleet: services (headless Debian 12, agent installed, waiting for its enroll file)"
  }

  source "proxmox-clone.role" {
    name                 = "batch"
    vm_name              = "homefleet-batch-build"
    clone_vm             = "homefleet-debian12-base"
    ssh_username         = "debian"
    memory               = 2048
    template_name        = "homefleet-batch"
    template_description = "homefleet: batch (headless Debian 12, agent installed, waiting for its enroll file)"
  }

  source "proxmox-clone.role" {
    name                 = "workstation"
    vm_name              = "homefleet-workstation-build"
    clone_vm             = "homefleet-debian12-base"
    ssh_username         = "debian"
    template_name        = "homefleet-workstation"
    template_description = "homefleet: workstation (Debian 12 with Xfce, agent installed, waiting for its enroll file)"
    memory               = 4096
  }

  source "proxmox-clone.role" {
    name                 = "sandbox"
    vm_name              = "homefleet-sandbox-build"
    clone_vm             = "homefleet-ubuntu2404-base"
    ssh_username         = "ubuntu"
    template_name        = "homefleet-sandbox"
    template_description = "homefleet: sandbox (Ubuntu 24.04 with its desktop, agent installed, waiting for its enroll file)"
    memory               = 4096
  }

  provisioner "file" {
    source      = var.agent_deb
    destination = "/tmp/homefleet-agent.deb"
  }

  provisioner "file" {
    source      = "${path.root}/scripts/bake-clean.sh"
    destination = "/tmp/bake-clean.sh"
  }

  provisioner "file" {
    source      = "${path.root}/scripts/provision.sh"
    destination = "/tmp/provision.sh"
  }

  provisioner "shell" {
    inline = [
      "sudo sh /tmp/provision.sh ${source.name} /tmp/homefleet-agent.deb",
      "sudo rm -f /tmp/provision.sh /tmp/bake-clean.sh /tmp/homefleet-agent.deb"
    ]
  }
}
