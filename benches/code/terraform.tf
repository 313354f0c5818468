# Static site hosting: a private bucket behind a CDN.
terraform {
  required_version = ">= 1.7"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.60"
    }
  }
}

variable "domain" {
  type        = string
  description = "The site's domain name"
  default     = "example.com"
}

variable "price_class" {
  type    = string
  default = "PriceClass_100"
}

locals {
  tags = {
    project = "site"
    owner   = "platform"
  }
  origin_id = "s3-${var.domain}"
}

resource "aws_s3_bucket" "site" {
  bucket        = "${var.domain}-site"
  force_destroy = false
  tags          = local.tags
}

resource "aws_cloudfront_distribution" "site" {
  enabled             = true
  default_root_object = "index.html"
  price_class         = var.price_class
  aliases             = [var.domain, "www.${var.domain}"]

  origin {
    domain_name = aws_s3_bucket.site.bucket_regional_domain_name
    origin_id   = local.origin_id
  }

  default_cache_behavior {
    target_origin_id       = local.origin_id
    viewer_protocol_policy = "redirect-to-https"
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
    min_ttl                = 0
    default_ttl            = 300
  }

  dynamic "custom_error_response" {
    for_each = [404, 403]
    content {
      error_code         = custom_error_response.value
      response_code      = 404
      response_page_path = "/404.html"
    }
  }
}

output "url" {
  value = "https://${aws_cloudfront_distribution.site.domain_name}"
}
