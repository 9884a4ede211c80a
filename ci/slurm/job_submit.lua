--[[
iocert placement for Slurm: a job_submit/lua plugin (JobSubmitPlugins=lua in slurm.conf; Slurm
loads job_submit.lua from the directory of slurm.conf).

A job names the I/O spec it was written for, in either of two ways:

  sbatch --comment iocert:spec=ocean-checkpoint job.sh
  #IOCERT spec=ocean-checkpoint          (a line of the batch script, among its leading
                                          comment lines, where #SBATCH lines go)

The plugin then adds the node feature that 'iocert export --to slurm' gives the nodes certified
for that spec (iocert_<name>, every character other than a letter, digit or '_' becoming '_') to
the job's --constraint, so the job can only land on those nodes. It refuses, with one message
naming the problem, a job that names

  - a spec this cluster does not know (not registered in IOCERT_SPEC_DIR),
  - a spec no node is certified for now,
  - two different specs, or that has an '#IOCERT' line it cannot read,
  - a --constraint it cannot safely extend (anything but features joined by '&').

What the plugin knows comes from one file, the placement index (IOCERT_INDEX in iocert.conf),
which ci/slurm/iocert-index.sh writes from the registered specs and the features the controller
holds ('scontrol show node'). A job_submit plugin runs inside slurmctld while it holds its locks,
so it must not call Slurm commands or start a JVM; reading one small file is cheap. Jobs that name
no spec are not touched. docs/slurm.md describes the whole arrangement.

Settings are read at every submission from iocert.conf beside this file (or the file named by
the environment variable IOCERT_SLURM_CONF of slurmctld): KEY=VALUE lines, '#' comments.
]]

local CONF_PATH = os.getenv("IOCERT_SLURM_CONF")
if CONF_PATH == nil or CONF_PATH == "" then
  local source = debug.getinfo(1, "S").source
  local dir = source:match("^@(.*)/[^/]*$") or "/etc/slurm"
  CONF_PATH = dir .. "/iocert.conf"
end

local INDEX_FORMAT = "iocert-slurm-index/1"
local NAME_PATTERN = "^[%w][%w._-]*$"
local NAME_MAX = 128

-- One line of the plugin's answer to the submitting user, and the same in slurmctld's log.
local function refuse(fmt, ...)
  local msg = "iocert: " .. string.format(fmt, ...)
  slurm.log_user("%s", msg)
  slurm.log_info("job_submit.lua: refused a job: %s", msg)
  return slurm.ERROR
end

local function trim(s)
  return (s:gsub("^%s+", ""):gsub("%s+$", ""))
end

-- iocert.conf: KEY=VALUE per line, '#' starts a comment line, a value may be quoted.
local function read_conf(path)
  local f, err = io.open(path, "r")
  if f == nil then
    return nil, "cannot read the iocert settings " .. path .. " (" .. tostring(err) .. ")"
  end
  local conf, n = {}, 0
  for line in f:lines() do
    n = n + 1
    local s = trim(line)
    if s ~= "" and s:sub(1, 1) ~= "#" then
      local key, value = s:match("^([A-Z_][A-Z0-9_]*)=(.*)$")
      if key == nil then
        f:close()
        return nil, string.format("%s:%d: expected KEY=VALUE, found '%s'", path, n, s)
      end
      conf[key] = value:match('^"(.*)"$') or value:match("^'(.*)'$") or value
    end
  end
  f:close()
  return conf
end

-- The placement index: {specs = {name = {feature=, nodes={...}}}, written = time text}.
local function read_index(path)
  local f, err = io.open(path, "r")
  if f == nil then
    return nil, "cannot read the placement index " .. path .. " (" .. tostring(err)
        .. "); an administrator runs iocert-index.sh to write it"
  end
  local index, n = { specs = {}, written = "an unknown time" }, 0
  local format
  for line in f:lines() do
    n = n + 1
    local s = trim(line)
    if s ~= "" and s:sub(1, 1) ~= "#" then
      local fields = {}
      for w in s:gmatch("%S+") do
        fields[#fields + 1] = w
      end
      if fields[1] == "format" and #fields == 2 then
        format = fields[2]
      elseif fields[1] == "written" and #fields == 2 then
        index.written = fields[2]
      elseif fields[1] == "spec" and #fields == 4 then
        local nodes = {}
        if fields[4] ~= "-" then
          for node in fields[4]:gmatch("[^,]+") do
            nodes[#nodes + 1] = node
          end
        end
        index.specs[fields[2]] = { feature = fields[3], nodes = nodes }
      else
        f:close()
        return nil, string.format("%s:%d: expected 'format', 'written' or 'spec NAME FEATURE NODES', found '%s'",
            path, n, s)
      end
    end
  end
  f:close()
  if format ~= INDEX_FORMAT then
    return nil, string.format("%s: not a placement index of this version (format %s, expected %s)",
        path, tostring(format), INDEX_FORMAT)
  end
  return index
end

-- The spec named by the comment ('iocert:spec=NAME'), or nil.
local function spec_from_comment(comment)
  if comment == nil then
    return nil
  end
  return comment:match("iocert:spec=([^%s,;]*)")
end

-- The spec named by '#IOCERT spec=NAME' lines of the script's leading comment block (as sbatch
-- reads #SBATCH lines: up to the first line that is neither blank nor a comment). Returns
-- name, line number; or nil, nil, error.
local function spec_from_script(script)
  if script == nil then
    return nil
  end
  local name, at, n = nil, nil, 0
  for line in (script .. "\n"):gmatch("([^\n]*)\n") do
    n = n + 1
    local s = line:gsub("\r$", "")
    if s:match("^%s*$") then
      -- blank lines do not end the block
    elseif s:sub(1, 1) ~= "#" then
      break
    else
      local rest = s:match("^#IOCERT(.*)$")
      if rest ~= nil then
        local v = rest:match("^%s+spec=(%S+)%s*$")
        if v == nil then
          return nil, nil, string.format("batch script line %d: expected '#IOCERT spec=NAME', found '%s'", n, s)
        end
        if name ~= nil and name ~= v then
          return nil, nil, string.format("batch script lines %d and %d name two specs, '%s' and '%s'; a job has one",
              at, n, name, v)
        end
        name, at = v, n
      end
    end
  end
  return name, at
end

-- The Slurm feature of a spec name, as 'iocert export --to slurm' names it.
local function feature_of(name)
  return "iocert_" .. (name:gsub("[^%w_]", "_"))
end

-- features (a --constraint) with feature added; nil when it cannot be added safely.
local function with_feature(features, feature)
  if features == nil or features == "" then
    return feature
  end
  if not features:match("^[%w_.-]+$") and not features:match("^[%w_.-]+[&%w_.-]*[%w_.-]$") then
    return nil
  end
  for token in features:gmatch("[^&]+") do
    if token == feature then
      return features
    end
  end
  return features .. "&" .. feature
end

-- features without the spec features of iocert (iocert_<spec>, not iocert_<spec>__<requirement>).
local function without_spec_features(features)
  if features == nil then
    return nil
  end
  local kept = {}
  for token in features:gmatch("[^&]+") do
    if not (token:match("^iocert_[%w_]+$") and not token:find("__", 1, true)) then
      kept[#kept + 1] = token
    end
  end
  return table.concat(kept, "&")
end

local function sorted_names(specs)
  local names = {}
  for name, _ in pairs(specs) do
    names[#names + 1] = name
  end
  table.sort(names)
  return names
end

-- The constraint a job naming spec `name` (from `origin`) gets, or nil and the reason to refuse.
local function place(name, origin, features)
  if name == "" or #name > NAME_MAX or not name:match(NAME_PATTERN) then
    return nil, string.format("%s: '%s' is not a spec name (letters, digits, '.', '_', '-', at most %d, "
        .. "starting with a letter or digit)", origin, name, NAME_MAX)
  end
  local conf, err = read_conf(CONF_PATH)
  if conf == nil then
    return nil, err
  end
  if conf.IOCERT_INDEX == nil or conf.IOCERT_INDEX == "" then
    return nil, CONF_PATH .. ": IOCERT_INDEX is not set; expected the path of the placement index"
  end
  local index
  index, err = read_index(conf.IOCERT_INDEX)
  if index == nil then
    return nil, err
  end
  local spec = index.specs[name]
  if spec == nil then
    local known = sorted_names(index.specs)
    return nil, string.format("%s: unknown spec '%s'; this cluster knows %s (registered in %s)", origin, name,
        #known == 0 and "no spec" or table.concat(known, ", "), tostring(conf.IOCERT_SPEC_DIR or "IOCERT_SPEC_DIR"))
  end
  if #spec.nodes == 0 then
    return nil, string.format("%s: no node is certified for spec '%s' (no node has the feature %s; index of %s)",
        origin, name, spec.feature, index.written)
  end
  local constraint = with_feature(features, spec.feature)
  if constraint == nil then
    return nil, string.format("%s: cannot add %s to the constraint '%s' (only features joined by '&' are extended); "
        .. "write a constraint that requires %s on every node yourself", origin, spec.feature, features, spec.feature)
  end
  return constraint, spec
end

-- The spec a submission names, and where; nil when it names none; or nil, nil, error.
local function named_spec(job_desc)
  local from_comment = spec_from_comment(job_desc.comment)
  local from_script, line, err = spec_from_script(job_desc.script)
  if err ~= nil then
    return nil, nil, err
  end
  if from_comment ~= nil and from_script ~= nil and from_comment ~= from_script then
    return nil, nil, string.format("--comment names spec '%s' but batch script line %d names '%s'; a job has one",
        from_comment, line, from_script)
  end
  if from_comment ~= nil then
    return from_comment, "--comment iocert:spec=" .. from_comment
  end
  if from_script ~= nil then
    return from_script, "batch script line " .. line
  end
  return nil
end

function slurm_job_submit(job_desc, part_list, submit_uid)
  local name, origin, err = named_spec(job_desc)
  if err ~= nil then
    return refuse("%s", err)
  end
  if name == nil then
    return slurm.SUCCESS
  end
  local constraint, spec = place(name, origin, job_desc.features)
  if constraint == nil then
    return refuse("%s", spec)
  end
  slurm.log_info("job_submit.lua: uid %d: spec '%s' (%s): constraint '%s', certified nodes %s",
      submit_uid, name, origin, constraint, table.concat(spec.nodes, ","))
  job_desc.features = constraint
  return slurm.SUCCESS
end

-- A pending job keeps its spec's feature: a new 'iocert:spec=' comment places it again, and a new
-- constraint without the feature the spec gave it gets the feature added (or is refused).
function slurm_job_modify(job_desc, job_rec, part_list, modify_uid)
  local base = job_desc.features or job_rec.features
  local name = spec_from_comment(job_desc.comment)
  if name ~= nil then
    -- The new spec replaces the old one's feature (when the constraint is a plain '&' list).
    if base ~= nil and with_feature(base, "x") ~= nil then
      base = without_spec_features(base)
    end
    local constraint, spec = place(name, "--comment iocert:spec=" .. name, base)
    if constraint == nil then
      return refuse("%s", spec)
    end
    job_desc.features = constraint
    return slurm.SUCCESS
  end
  if job_desc.features == nil or job_rec.features == nil then
    return slurm.SUCCESS
  end
  local constraint = job_desc.features
  for token in job_rec.features:gmatch("[%w_]+") do
    if token:match("^iocert_") and not token:find("__", 1, true) then
      constraint = with_feature(constraint, token)
      if constraint == nil then
        return refuse("cannot add %s, which the job's spec requires, to the constraint '%s' (only features joined "
            .. "by '&' are extended); write a constraint that requires %s on every node yourself", token,
            job_desc.features, token)
      end
    end
  end
  job_desc.features = constraint
  return slurm.SUCCESS
end

slurm.log_info("job_submit.lua: iocert placement loaded; settings from %s", CONF_PATH)
return slurm.SUCCESS
