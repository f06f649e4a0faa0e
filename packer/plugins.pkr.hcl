# The Proxmox plugin these templates are written for: 'packer init packer/' installs it. In a
# file of its own because Debian's packer 1.6.6, which CI checks the other files with, predates
# required_plugins and refuses this block.
packer {
  required_version = ">= 1.10.0"
  required_plugins {
    proxmox = {
      # 1.2.0 brought the boot_iso block the base templates use.
      version = ">= 1.2.0"
      source  = "github.com/hashicorp/proxmox"
    }
  }
}
