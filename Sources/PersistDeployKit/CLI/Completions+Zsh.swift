/// The zsh completion script.
extension Completions {
    static func zsh(_ commands: [CommandSpec]) -> String {
        var text = "#compdef persist-deploy\n" + headerLine(.zsh)
        text += """
            # Save it as _persist-deploy in a folder on $fpath (e.g. ~/.zsh/completions), then run compinit;
            # or load it now with: source <(persist-deploy completions zsh)

            # _persist_deploy_ids releases|backups: offers the ids of the root given with --root (else
            # the tool's own default), from the tool's JSON.
            _persist_deploy_ids() {
                local root="" i
                for (( i = 1; i < ${#words}; i++ )); do
                    case $words[i] in
                        --root) root=$words[i+1] ;;
                        --root=*) root=${words[i]#--root=} ;;
                    esac
                done
                local -a ids
                ids=(${(f)"$(persist-deploy $1 ${root:+--root} ${~root} --json 2>/dev/null | grep -o '"id":"[^"]*"' | sed -e 's/^"id":"//' -e 's/"$//')"})
                compadd -a ids
            }

            _persist_deploy() {
                local -a commands
                commands=(

            """
        for command in commands {
            text += "        \(zshQuoted("\(command.name):\(command.summary)"))\n"
        }
        text += """
                )
                if (( CURRENT == 2 )); then
                    _describe -t commands 'persist-deploy command' commands
                    compadd -- --help --version
                    return
                fi
                local command=$words[2]
                shift words
                (( CURRENT-- ))
                case $command in

            """
        for command in commands {
            var specs = command.allOptions.map { option -> String in
                let help = "[\(zshDescription(option.help))]"
                guard let valueName = option.valueName else { return zshQuoted(option.name + help) }
                return zshQuoted("\(option.name)=\(help):\(valueName):\(zshAction(.forValue(named: valueName)))")
            }
            let required = command.positionalRange.lowerBound
            for (index, (name, hint)) in zip(command.arguments.split(separator: " "), argumentHints(command)).enumerated() {
                let optional = index >= required ? ":" : ""
                let label = CompletionHint.withoutBrackets(String(name)).replacing(":", with: "\\:")
                specs.append(zshQuoted("\(index + 1):\(optional)\(label):\(zshAction(hint))"))
            }
            text += "        \(command.name))\n"
            text += "            _arguments -S \\\n"
            text += specs.map { "                \($0)" }.joined(separator: " \\\n") + "\n"
            text += "            ;;\n"
        }
        text += """
                esac
            }

            if [[ ${zsh_eval_context[-1]} == loadautofunc ]]; then
                _persist_deploy "$@"
            else
                compdef _persist_deploy persist-deploy
            fi

            """
        return text
    }

    static func zshAction(_ hint: CompletionHint) -> String {
        switch hint {
        case .directory: "_files -/"
        case .file: "_files"
        case .command: "_command_names -e"
        case .words(let words): "(\(words.joined(separator: " ")))"
        case .releaseID: "_persist_deploy_ids releases"
        case .backupID: "_persist_deploy_ids backups"
        case .nothing: " "
        }
    }

    /// An `_arguments` description: brackets would end it early and colons split it.
    static func zshDescription(_ help: String) -> String {
        help.replacing("\\", with: "\\\\")
            .replacing("[", with: "\\[").replacing("]", with: "\\]")
            .replacing(":", with: "\\:")
    }

    static func zshQuoted(_ text: String) -> String {
        "'" + text.replacing("'", with: "'\\''") + "'"
    }
}
