import PersistDeployTemplates

/// A value for one `{{name}}` placeholder. Shell values can only reach a script through
/// `Shell.quote`; plain text is allowed only in guides.
package enum TemplateValue: Sendable, Equatable {
    /// One shell word, quoted.
    case shellWord(String)
    /// Bash array elements, one quoted row a line (for `NAME=(\n{{rows}}\n)`).
    case shellRows([[String]])
    /// Text for a guide (Markdown), inserted as is.
    case text(String)
    /// Another embedded template (by its path under `templates/`) holding script text shared by
    /// several scripts; it may hold no placeholders, so no data reaches a script this way.
    case scriptPart(String)
}

/// A template from `templates/`, rendered by substituting `{{name}}` placeholders. Rendering fails
/// on a placeholder without a value and on a value without a placeholder, so a renamed key can
/// never silently leave `{{x}}` in a script or drop an expectation.
package struct Template: Sendable {
    package let name: String
    package let text: String

    package init(name: String, text: String) {
        self.name = name
        self.text = text
    }

    /// The embedded template `name` (its path under `templates/`).
    package static func embedded(_ name: String) throws(ToolError) -> Template {
        guard let text = EmbeddedTemplates.all[name] else {
            throw ToolError("The template '\(name)' is not in this build of persist-deploy.", hint: "This is a bug; please report it.")
        }
        return Template(name: name, text: text)
    }

    /// True for templates of shell scripts, where only shell values are allowed.
    package var isScript: Bool { name.hasSuffix(".sh.tmpl") }

    package func render(_ values: [String: TemplateValue]) throws(ToolError) -> String {
        var output = ""
        var used: Set<String> = []
        var rest = Substring(text)
        while let open = rest.firstRange(of: "{{") {
            output += rest[..<open.lowerBound]
            let afterOpen = rest[open.upperBound...]
            guard let close = afterOpen.firstRange(of: "}}") else {
                throw ToolError("Template '\(name)' has an unclosed '{{'.", hint: "This is a bug; please report it.")
            }
            let key = String(afterOpen[..<close.lowerBound])
            guard !key.isEmpty, key.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || $0 == "_" || ("0"..."9").contains($0) }) else {
                throw ToolError("Template '\(name)' has a malformed placeholder '{{\(key)}}'.", hint: "This is a bug; please report it.")
            }
            guard let value = values[key] else {
                throw ToolError("Template '\(name)' uses '{{\(key)}}', which has no value.", hint: "This is a bug; please report it.")
            }
            output += try rendered(value, key: key)
            used.insert(key)
            rest = afterOpen[close.upperBound...]
        }
        output += rest
        let unused = Set(values.keys).subtracting(used).sorted()
        if !unused.isEmpty {
            throw ToolError("Template '\(name)' has no place for \(unused.map { "'\($0)'" }.joined(separator: ", ")).", hint: "This is a bug; please report it.")
        }
        return output
    }

    private func rendered(_ value: TemplateValue, key: String) throws(ToolError) -> String {
        switch value {
        case .shellWord(let word):
            return Shell.quote(word)
        case .shellRows(let rows):
            return rows.map { row in "  " + row.map(Shell.quote).joined(separator: " ") }.joined(separator: "\n")
        case .text(let text):
            guard !isScript else {
                throw ToolError("Template '\(name)' is a script; '{{\(key)}}' must be a quoted shell value.", hint: "This is a bug; please report it.")
            }
            return text
        case .scriptPart(let part):
            let template = try Template.embedded(part)
            guard isScript, template.isScript, !template.text.contains("{{") else {
                throw ToolError("Template '\(name)' cannot take '\(part)' as '{{\(key)}}'.", hint: "This is a bug; please report it.")
            }
            return template.text
        }
    }
}
