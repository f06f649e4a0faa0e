# What must hold before anything is created; a failed precondition stops the plan, so nothing is
# half-made. TerraformSizingIT evaluates these conditions and messages too (same subset as
# sizing.tf, plus join, distinct and values).

locals {
  roles_in_use      = distinct([for name, role in local.hosts : role])
  unknown_roles     = [for role in local.roles_in_use : role if !contains(keys(var.sizing), role) || !contains(keys(var.templates), role)]
  missing_templates = [for role in local.roles_in_use : lookup(var.templates, role, role) if contains(keys(var.templates), role) && length(lookup(local.template_ids, role, [])) != 1]
  missing_tokens    = [for name, role in local.new_hosts : name if lookup(var.enroll_tokens, name, "") == ""]
}

resource "terraform_data" "preflight" {
  lifecycle {
    precondition {
      condition     = local.node_known
      error_message = "node_name: '${var.node_name}' is not a node of this cluster (nodes: ${join(", ", data.proxmox_virtual_environment_nodes.all.names)})."
    }
    precondition {
      condition     = !local.node_known || local.node_online
      error_message = "node_name: node ${var.node_name} is offline; start it or choose another."
    }
    precondition {
      condition     = length(local.unknown_roles) == 0
      error_message = "counts: no sizing or template for role ${join(", ", local.unknown_roles)}; add it to sizing and templates or remove it from counts."
    }
    precondition {
      condition     = length(local.missing_templates) == 0
      error_message = "templates: node ${var.node_name} needs exactly one VM template named ${join(", ", local.missing_templates)}; build it with packer/ (packer/README.md) or set templates."
    }
    precondition {
      condition     = length(local.missing_tokens) == 0
      error_message = "enroll_tokens: no enrollment token for ${join(", ", local.missing_tokens)}; mint them with terraform/mint-tokens (README.md) and plan again."
    }
    precondition {
      condition     = local.memory_fits
      error_message = local.memory_error
    }
  }
}
