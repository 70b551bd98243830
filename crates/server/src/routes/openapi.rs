//! The OpenAPI 3 document, generated from the handlers' annotations and the contract's types.

use axum::Json;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(title = "JMO Self-Help complaint intake", description = "Complaints from the JMO Self-Help guide to BPJS Ketenagakerjaan. \
        Errors are `{\"errors\":[{\"field\":\"reporter.nik\",\"code\":\"nik_birth_date\"}]}` with stable codes; times are RFC 3339 UTC."),
    paths(
        super::complaints::create, super::complaints::lookup, super::complaints::lookup_post, super::attachments::upload, super::status::status,
        super::staff::list, super::staff::detail, super::staff::set_status, super::staff::erase, super::staff::attachment,
        super::staff::create_disruption, super::staff::end_disruption, super::walks::report, super::walks::stats,
    ),
    components(schemas(jmo_contract::ErrorBody, jmo_contract::ErrorItem)),
    modifiers(&StaffAuth),
)]
pub struct ApiDoc;

struct StaffAuth;

impl Modify for StaffAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("staff", SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()));
    }
}

pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
