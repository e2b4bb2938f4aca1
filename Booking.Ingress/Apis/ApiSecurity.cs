using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Booking.Ingress.Apis;

/// <summary>
/// Describes the API's bearer tokens in the OpenAPI document: a <c>Bearer</c> (JWT) security scheme, required by
/// every operation that needs a signed-in caller, which may then answer 401, and 403 where it needs a role.
/// A reference page built from the document (<c>/scalar</c>) then offers a field for the token.
/// </summary>
public static class ApiSecurity
{
    public const string SchemeName = "Bearer";

    public static OpenApiOptions AddBearerSecurity(this OpenApiOptions options) =>
        options
            .AddDocumentTransformer((document, _, _) =>
            {
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[SchemeName] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    BearerFormat = "JWT",
                    Description = "A JWT whose sub is the customer id; the admin role may manage showtimes and read any booking.",
                };
                return Task.CompletedTask;
            })
            .AddOperationTransformer((operation, context, _) =>
            {
                var authorize = context.Description.ActionDescriptor.EndpointMetadata.OfType<IAuthorizeData>().ToList();
                if (authorize.Count == 0)
                {
                    return Task.CompletedTask;
                }

                operation.Security ??= [];
                operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SchemeName, context.Document)] = [] });
                operation.Responses ??= [];
                operation.Responses.TryAdd("401", new OpenApiResponse { Description = "No token, or one that is not valid." });
                if (authorize.Any(data => !string.IsNullOrEmpty(data.Roles) || !string.IsNullOrEmpty(data.Policy)))
                {
                    operation.Responses.TryAdd("403", new OpenApiResponse { Description = "The token lacks the role this needs." });
                }

                return Task.CompletedTask;
            });
}
