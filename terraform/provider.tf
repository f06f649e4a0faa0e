provider "proxmox" {
  endpoint  = var.proxmox_endpoint
  api_token = var.proxmox_api_token
  insecure  = var.proxmox_insecure

  # Uploading cloud-init snippets goes over SSH to the node: the Proxmox API cannot write them.
  ssh {
    agent    = true
    username = var.proxmox_ssh_user
  }
}
