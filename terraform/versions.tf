terraform {
  # check blocks, terraform_data and the provider's framework resources need Terraform 1.5 or later
  # (OpenTofu 1.6 or later reads the same files).
  required_version = ">= 1.5.0"

  required_providers {
    proxmox = {
      source = "bpg/proxmox"
      # Pinned to one minor line: the provider is pre-1.0 and renames arguments between minors.
      # The files follow the argument names of its 0.113 documentation (see README.md).
      version = "~> 0.113.0"
    }
  }
}
