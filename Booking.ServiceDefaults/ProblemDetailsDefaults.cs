using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Booking.ServiceDefaults;

/// <summary>
/// Gives a <c>detail</c> to the problem answers the framework writes with a title only: a body it could not read, and
/// the empty 401, 403, 404, 405, 413 and 415 answers that status code pages turn into problem details. A caller then
/// learns what was wrong without reading the server's log. Answers that carry a detail or field errors of their own
/// keep them.
/// </summary>
public static class ProblemDetailsDefaults
{
    /// <summary>For <see cref="ProblemDetailsOptions.CustomizeProblemDetails"/>.</summary>
    public static void Describe(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        if (problem.Detail is null && problem is not HttpValidationProblemDetails)
        {
            problem.Detail = context.Exception is BadHttpRequestException unreadable
                ? DescribeUnreadable(unreadable)
                : DescribeStatus(problem.Status, context.HttpContext.Request.Method);
        }
    }

    private static string DescribeUnreadable(BadHttpRequestException exception) => exception switch
    {
        { StatusCode: StatusCodes.Status413PayloadTooLarge } => TooLarge,
        { InnerException: JsonException { Path: { Length: > 1 } path } } =>
            $"The request body is not valid JSON for this request, or has a value of the wrong type, at {path}.",
        { InnerException: JsonException } => "The request body is not valid JSON for this request.",
        _ => "The request body is missing, or is not the JSON this request takes.",
    };

    private static string? DescribeStatus(int? status, string method) => status switch
    {
        StatusCodes.Status401Unauthorized =>
            "This request needs a valid bearer token (Authorization: Bearer ...); it is missing, expired or not valid here.",
        StatusCodes.Status403Forbidden => "The token is valid but does not allow this request.",
        StatusCodes.Status404NotFound => "Nothing is found at this address; check the path and the id in it.",
        StatusCodes.Status405MethodNotAllowed => $"This address does not take {method} requests.",
        StatusCodes.Status413PayloadTooLarge => TooLarge,
        StatusCodes.Status415UnsupportedMediaType => "Send the request body as JSON, with Content-Type: application/json.",
        _ => null,
    };

    private const string TooLarge = "The request body is larger than this service accepts.";
}
