# bash completion for samplan (installed as share/bash-completion/completions/samplan).
_samplan() {
  local cur prev words cword
  _init_completion 2>/dev/null || { cur=${COMP_WORDS[COMP_CWORD]}; prev=${COMP_WORDS[COMP_CWORD-1]}; cword=$COMP_CWORD; words=("${COMP_WORDS[@]}"); }
  local commands="check build history new import serve init cms theme"
  if [ "$cword" -eq 1 ]; then
    COMPREPLY=($(compgen -W "$commands help --help --version" -- "$cur"))
    return
  fi
  if [ "${words[1]}" = help ]; then
    [ "$cword" -eq 2 ] && COMPREPLY=($(compgen -W "$commands" -- "$cur"))
    return
  fi
  case "$prev" in
    --content|--output|--themes) COMPREPLY=($(compgen -d -- "$cur")); return ;;
    --backend) COMPREPLY=($(compgen -W "github gitlab test-repo" -- "$cur")); return ;;
    --repo|--branch|--content-path|--app-id|--auth-url|--site-url|--script|--toml) return ;;
    --format) COMPREPLY=($(compgen -W "text json" -- "$cur")); return ;;
    --today|--port|--search-timeout) return ;;
  esac
  local options
  case "${words[1]}" in
    check) options="--content --format --today --help" ;;
    build) options="--content --output --themes --today --format --drafts --search-timeout --timings --quiet --verbose --help" ;;
    history) options="--content --themes --help" ;;
    new)
      if [ "$cword" -eq 2 ]; then COMPREPLY=($(compgen -W "group plan activity evaluation" -- "$cur")); return; fi
      options="--content --help" ;;
    import)
      if [ "$cword" -eq 2 ]; then COMPREPLY=($(compgen -W "values" -- "$cur")); return; fi
      options="--content --dry-run --help" ;;
    serve) options="--content --port --themes --help" ;;
    init) options="--help" ;;
    cms) options="--content --output --backend --repo --branch --content-path --app-id --auth-url --site-url --script --toml --review --today --help" ;;
    theme) options="--content --help" ;;
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$options" -- "$cur"))
  else
    COMPREPLY=($(compgen -f -- "$cur"))
  fi
}
complete -F _samplan samplan
