# --- Proxmox ---------------------------------------------------------------------------------

variable "proxmox_endpoint" {
  description = "The Proxmox VE API, for example https://pve.lab:8006/."
  type        = string
}

variable "proxmox_api_token" {
  description = "An API token as USER@REALM!TOKENID=SECRET (Datacenter > Permissions > API Tokens)."
  type        = string
  sensitive   = true
}

variable "proxmox_insecure" {
  description = "Skip verifying the API's TLS certificate (a fresh Proxmox install has a self-signed one)."
  type        = bool
  default     = false
}

variable "proxmox_ssh_user" {
  description = "The node's SSH user the provider uploads cloud-init snippets as (keys from ssh-agent)."
  type        = string
  default     = "root"
}

variable "node_name" {
  description = "The Proxmox node the VMs are created on and sized from."
  type        = string
}

variable "vm_datastore" {
  description = "The datastore for the VMs' disks and cloud-init drives."
  type        = string
  default     = "local-lvm"
}

variable "snippets_datastore" {
  description = "A file datastore with the 'snippets' content type enabled, for the cloud-init user data."
  type        = string
  default     = "local"
}

# --- The fleet -------------------------------------------------------------------------------

variable "templates" {
  description = "Per role, the name of the Packer template its VMs are cloned from (packer/ builds homefleet-ROLE)."
  type        = map(string)
  default = {
    prod        = "homefleet-prod"
    dev         = "homefleet-dev"
    sandbox     = "homefleet-sandbox"
    services    = "homefleet-services"
    batch       = "homefleet-batch"
    workstation = "homefleet-workstation"
  }
}

variable "counts" {
  description = "How many VMs of each role; workstations are made on demand, so none by default."
  type        = map(number)
  default = {
    prod        = 1
    dev         = 1
    sandbox     = 1
    services    = 1
    batch       = 1
    workstation = 0
  }

  validation {
    condition     = alltrue([for n in values(var.counts) : n >= 0 && floor(n) == n])
    error_message = "counts: every count must be a whole number, 0 or more (example: counts = { prod = 1, workstation = 2, ... })."
  }
}

variable "sizing" {
  description = <<-EOT
    Per role: the percentage of the node's free CPU and memory one VM of the role gets, its floors and
    ceilings, its disk and the environment (vnet) it lives on. Sizes are shares, never fixed numbers:
    sizing.tf turns them into cores and MiB from what the chosen node has.
  EOT
  type = map(object({
    percent        = number
    min_cores      = number
    max_cores      = number
    min_memory_mib = number
    max_memory_mib = number
    disk_gib       = number
    environment    = string
  }))
  # prod and dev equal (dev is a copy of prod), the sandbox small (but a desktop needs 2 GiB),
  # services the largest, batch modest, workstations on demand.
  default = {
    prod        = { percent = 20, min_cores = 1, max_cores = 16, min_memory_mib = 1024, max_memory_mib = 65536, disk_gib = 32, environment = "prod" }
    dev         = { percent = 20, min_cores = 1, max_cores = 16, min_memory_mib = 1024, max_memory_mib = 65536, disk_gib = 32, environment = "dev" }
    sandbox     = { percent = 8, min_cores = 1, max_cores = 4, min_memory_mib = 2048, max_memory_mib = 8192, disk_gib = 32, environment = "sandbox" }
    services    = { percent = 30, min_cores = 1, max_cores = 24, min_memory_mib = 1024, max_memory_mib = 131072, disk_gib = 64, environment = "services" }
    batch       = { percent = 12, min_cores = 1, max_cores = 8, min_memory_mib = 1024, max_memory_mib = 32768, disk_gib = 32, environment = "batch" }
    workstation = { percent = 10, min_cores = 2, max_cores = 8, min_memory_mib = 2048, max_memory_mib = 16384, disk_gib = 48, environment = "dev" }
  }

  validation {
    condition = alltrue([for s in values(var.sizing) :
      s.percent > 0 && s.percent <= 100 && s.min_cores >= 1 && s.min_cores <= s.max_cores
    && s.min_memory_mib >= 256 && s.min_memory_mib <= s.max_memory_mib])
    error_message = "sizing: each role needs 0 < percent <= 100, 1 <= min_cores <= max_cores and 256 <= min_memory_mib <= max_memory_mib."
  }
}

variable "host_reserve" {
  description = "Memory kept free on the node for the host itself (page cache, ZFS ARC, ballooning): a percentage of its total, at least min_memory_mib."
  type = object({
    memory_percent = number
    min_memory_mib = number
  })
  default = {
    memory_percent = 12.5
    min_memory_mib = 1024
  }
}

variable "cpu_overcommit" {
  description = "vCPUs handed out per idle host CPU: mostly idle VMs share cores well, memory is never overcommitted."
  type        = number
  default     = 2
}

# --- Enrollment ------------------------------------------------------------------------------

variable "controller" {
  description = "The controller's address as the VMs reach it, HOST:PORT (the --listen of 'homefleet ca init')."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9.-]+:[0-9]+$", var.controller))
    error_message = "controller: expected HOST:PORT, for example controller.lab:7443."
  }
}

variable "ca_fingerprint" {
  description = "The controller CA's fingerprint, as 'homefleet token create' prints it (sha256:AB:CD:...)."
  type        = string

  validation {
    condition     = can(regex("^sha256:([0-9A-F]{2}:){31}[0-9A-F]{2}$", var.ca_fingerprint))
    error_message = "ca_fingerprint: expected sha256: and 32 upper-case hex pairs separated by ':', as 'homefleet token create' prints it."
  }
}

variable "enroll_tokens" {
  description = <<-EOT
    Per VM name (ROLE-N, e.g. prod-1), a fresh single-use enrollment token from 'homefleet token create'.
    terraform/mint-tokens writes them to enroll.auto.tfvars.json. A token is only read when its VM is
    created; later plans do not need it to be valid.
  EOT
  type        = map(string)
  sensitive   = true
  default     = {}
}

variable "labels" {
  description = "Labels every VM's agent enrolls with (the role and the environment are added)."
  type        = map(string)
  default     = {}
}

variable "ssh_authorized_keys" {
  description = "Public keys for the 'homefleet' admin user cloud-init creates on each VM (none: no SSH login)."
  type        = list(string)
  default     = []
}

# --- Network ---------------------------------------------------------------------------------

variable "sdn_zone" {
  description = "The SDN zone (a Simple zone: isolated bridges on the node, SNAT out) for the fleet's vnets; 8 characters at most."
  type        = string
  default     = "hfleet"
}

variable "environments" {
  description = "Per environment, its vnet (8 characters at most) and subnet; the gateway is the node's address on the vnet."
  type = map(object({
    vnet       = string
    cidr       = string
    gateway    = string
    dhcp_start = string
    dhcp_end   = string
  }))
  default = {
    prod     = { vnet = "hfprod", cidr = "10.60.10.0/24", gateway = "10.60.10.1", dhcp_start = "10.60.10.100", dhcp_end = "10.60.10.199" }
    dev      = { vnet = "hfdev", cidr = "10.60.20.0/24", gateway = "10.60.20.1", dhcp_start = "10.60.20.100", dhcp_end = "10.60.20.199" }
    sandbox  = { vnet = "hfsandbx", cidr = "10.60.30.0/24", gateway = "10.60.30.1", dhcp_start = "10.60.30.100", dhcp_end = "10.60.30.199" }
    services = { vnet = "hfsvc", cidr = "10.60.40.0/24", gateway = "10.60.40.1", dhcp_start = "10.60.40.100", dhcp_end = "10.60.40.199" }
    batch    = { vnet = "hfbatch", cidr = "10.60.50.0/24", gateway = "10.60.50.1", dhcp_start = "10.60.50.100", dhcp_end = "10.60.50.199" }
  }

  validation {
    condition     = alltrue([for e in values(var.environments) : can(regex("^[a-z][a-z0-9]{0,7}$", e.vnet)) && can(cidrhost(e.cidr, 0))])
    error_message = "environments: each vnet is a lower-case letter and up to 7 more letters or digits, each cidr a network such as 10.60.10.0/24."
  }
}
