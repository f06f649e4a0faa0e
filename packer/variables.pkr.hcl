# Everything that differs from one Proxmox to another. Set them in a file of your own
# (packer/lab.pkrvars.hcl, kept out of git: it holds the API token) or as PKR_VAR_name variables;
# packer/README.md has an example.

variable "proxmox_url" {
  type        = string
  description = "The Proxmox API, with its path: https://PVE-HOST:8006/api2/json"
}

variable "proxmox_username" {
  type        = string
  description = "The API token's id, user@realm!tokenid (for example packer@pve!homefleet)"
}

variable "proxmox_token" {
  type        = string
  sensitive   = true
  description = "The API token's secret (PKR_VAR_proxmox_token keeps it out of files)"
}

variable "proxmox_insecure_skip_tls_verify" {
  type        = bool
  default     = false
  description = "Accept the API's certificate unchecked (Proxmox's self-signed one); false checks it"
}

variable "proxmox_node" {
  type        = string
  description = "The node the build VMs run on and the templates are made on"
}

variable "storage_pool" {
  type        = string
  default     = "local-lvm"
  description = "Storage for the VMs' disks"
}

variable "cloud_init_storage_pool" {
  type        = string
  default     = ""
  description = "Storage for the templates' cloud-init drive; empty: storage_pool"
}

variable "iso_storage_pool" {
  type        = string
  default     = "local"
  description = "Storage holding the installer ISOs"
}

variable "debian_iso_file" {
  type        = string
  default     = "local:iso/debian-12.8.0-amd64-netinst.iso"
  description = "The Debian 12 netinst ISO, as a Proxmox volume (upload it first: packer/README.md)"
}

variable "debian_iso_checksum" {
  type        = string
  description = "sha256:... of debian_iso_file, from the SHA256SUMS published beside the ISO"
}

variable "debian_mirror" {
  type        = string
  description = "Host name of the Debian mirror (or apt cache) the installer uses, without http://"
}

variable "ubuntu_iso_file" {
  type        = string
  default     = "local:iso/ubuntu-24.04.1-live-server-amd64.iso"
  description = "The Ubuntu 24.04 live server ISO the sandbox's base is installed from"
}

variable "ubuntu_iso_checksum" {
  type        = string
  description = "sha256:... of ubuntu_iso_file"
}

variable "bridge" {
  type        = string
  default     = "vmbr0"
  description = "The bridge the build VMs are on; it needs DHCP and a way to the mirrors (the clones get their vnet from terraform/)"
}

variable "disk_size" {
  type        = string
  default     = "20G"
  description = "The base templates' disk; role templates keep it (the desktops need about 8G of it)"
}

variable "agent_deb" {
  type        = string
  description = "Path of homefleet-agent_VERSION_all.deb, which 'mvn -B package' builds"
}

locals {
  cloud_init_storage_pool = var.cloud_init_storage_pool != "" ? var.cloud_init_storage_pool : var.storage_pool
  # The base builds' SSH password, as http/debian12-preseed.cfg and http/ubuntu/user-data set it
  # (static files, so not a variable): it exists for the build alone, and the base build's last
  # provisioner locks it before the template is made.
  build_password = "packer"
}
