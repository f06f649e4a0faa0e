# The base templates, installed from the distributions' ISOs: homefleet-debian12-base (every role
# but the sandbox) and homefleet-ubuntu2404-base (the sandbox). Each has qemu-guest-agent and
# cloud-init, a cloud-init drive, and nothing of its build left in it (bake-clean.sh). One source
# holds what both share; the build block gives each its ISO, answers and account (a field is set
# in one of the two places only: Packer refuses an override of a field the source sets).
#
#   packer build -var-file=lab.pkrvars.hcl -var agent_deb=unused -only='base.proxmox-iso.debian12' packer/

source "proxmox-iso" "base" {
  proxmox_url              = var.proxmox_url
  username                 = var.proxmox_username
  token                    = var.proxmox_token
  insecure_skip_tls_verify = var.proxmox_insecure_skip_tls_verify
  node                     = var.proxmox_node
  task_timeout             = "10m"

  os              = "l26"
  cores           = 2
  cpu_type        = "host"
  qemu_agent      = true
  scsi_controller = "virtio-scsi-single"

  disks {
    type         = "scsi"
    disk_size    = var.disk_size
    storage_pool = var.storage_pool
    format       = "raw"
  }

  network_adapters {
    model  = "virtio"
    bridge = var.bridge
  }

  cloud_init              = true
  cloud_init_storage_pool = local.cloud_init_storage_pool

  # The installers fetch their answers from Packer's own HTTP server.
  http_directory = "${path.root}/http"
  boot_wait      = "10s"
  ssh_password   = local.build_password
}

build {
  name = "base"

  source "proxmox-iso.base" {
    name                 = "debian12"
    vm_name              = "homefleet-debian12-base-build"
    template_name        = "homefleet-debian12-base"
    template_description = "homefleet: Debian 12 with qemu-guest-agent and cloud-init; the role templates clone it"
    memory               = 2048

    boot_iso {
      type             = "ide"
      iso_file         = var.debian_iso_file
      iso_checksum     = var.debian_iso_checksum
      iso_storage_pool = var.iso_storage_pool
      unmount          = true
    }

    # The preseed from http/; the mirror is given here, on the kernel command line, so that no
    # host is written into the preseed.
    boot_command = [
      "<esc><wait>",
      "auto url=http://{{ .HTTPIP }}:{{ .HTTPPort }}/debian12-preseed.cfg",
      " mirror/http/hostname=${var.debian_mirror}",
      " priority=critical locale=en_US.UTF-8 keymap=us hostname=homefleet-base domain=",
      "<enter>"
    ]

    ssh_username = "debian"
    ssh_timeout  = "30m"
  }

  source "proxmox-iso.base" {
    name                 = "ubuntu2404"
    vm_name              = "homefleet-ubuntu2404-base-build"
    template_name        = "homefleet-ubuntu2404-base"
    template_description = "homefleet: Ubuntu 24.04 with qemu-guest-agent and cloud-init; the sandbox template clones it"
    memory               = 4096

    boot_iso {
      type             = "ide"
      iso_file         = var.ubuntu_iso_file
      iso_checksum     = var.ubuntu_iso_checksum
      iso_storage_pool = var.iso_storage_pool
      unmount          = true
    }

    # Subiquity's autoinstall reads user-data and meta-data from http/ubuntu/ (NoCloud over HTTP).
    boot_command = [
      "<wait>c<wait>",
      "linux /casper/vmlinuz --- autoinstall ds='nocloud;s=http://{{ .HTTPIP }}:{{ .HTTPPort }}/ubuntu/'<enter><wait>",
      "initrd /casper/initrd<enter><wait>",
      "boot<enter>"
    ]

    ssh_username = "ubuntu"
    ssh_timeout  = "45m"
  }

  provisioner "file" {
    source      = "${path.root}/scripts/bake-clean.sh"
    destination = "/tmp/bake-clean.sh"
  }

  # Last: the build account's password is locked and its sudo rule removed (clones get their
  # user and SSH key from cloud-init); the Ubuntu installer's own cloud-init settings go, since
  # they would keep cloud-init from reading the clones' Proxmox drive; then everything of this
  # machine that must not be cloned goes.
  provisioner "shell" {
    execute_command = "sudo sh -c '{{ .Vars }} {{ .Path }}'"
    inline = [
      "passwd -l ${build.User}",
      "rm -f /etc/sudoers.d/90-homefleet-build",
      "rm -f /etc/cloud/cloud.cfg.d/99-installer.cfg /etc/cloud/cloud.cfg.d/subiquity-disable-cloudinit-networking.cfg",
      "sh /tmp/bake-clean.sh --this-machine /",
      "rm -f /tmp/bake-clean.sh"
    ]
  }
}
